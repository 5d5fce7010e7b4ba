# Processes as the applets see them (needs /proc).
mkdir -p /proc
mount -t proc proc /proc
[ -r /proc/self/stat ] && echo "proc mounted"
cat /proc/self/comm
readlink /proc/self/exe
tr '\0' ' ' < /proc/self/cmdline; echo
[ "$(grep -c '^processor' /proc/cpuinfo)" = "$(nproc)" ] && echo "cpuinfo lists the CPUs online"
awk '/^MemTotal/ { print ($2 > 0) }' /proc/meminfo
sh -c 'echo $$ > /tmp/pid; sleep 1' & sleep 0.3
[ -d /proc/$(cat /tmp/pid) ] && echo "child visible in /proc"
wait
[ -d /proc/$(cat /tmp/pid) ] || echo "child gone after wait"
ps -o comm > /tmp/ps.out; grep -c '^sh$' /tmp/ps.out
kill -0 $$ && echo "kill -0 self ok"
nice -n 5 true && echo "nice ok"
timeout 1 sleep 5; echo "timeout: $?"
umount /proc && echo "unmounted"
