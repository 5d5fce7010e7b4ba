/* Linux native AIO's hook for the rest of the kernel (fs/aio.cpp). */
#pragma once

struct mm_struct;

/* The last user of mm is going: its AIO contexts die (Linux's exit_aio, from __mmput). */
void exit_aio(mm_struct* mm);
