/* The static `true` that the fork + execve benchmark runs (bench/lat_proc.c). */
int main(void)
{
    return 0;
}
