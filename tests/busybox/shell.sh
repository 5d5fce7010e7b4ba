# The shell itself: pipes, subshells, redirection, exit codes, traps, jobs.
echo one | (read x; echo "read: $x")
false; echo "false: $?"
(exit 7); echo "subshell: $?"
sh -c 'exit 3'; echo "sh -c: $?"
x=1; f() { local x=2; echo "in f: $x"; }; f; echo "after f: $x"
for i in 1 2 3; do printf '%s ' $i; done; echo
i=0; while [ $i -lt 3 ]; do i=$((i + 1)); done; echo "while: $i"
case abc in a*) echo "case: a*";; *) echo "case: other";; esac
echo out > /tmp/r; echo more >> /tmp/r; cat /tmp/r
cat < /tmp/r | wc -l
ls /nonexistent 2>/dev/null || echo "ls failed: $?"
echo "$(echo nested $(echo deep))"
trap 'echo trapped USR1' USR1; kill -USR1 $$; echo "after trap"
sleep 0.2 & p=$!; wait $p; echo "waited: $?"
( sleep 10 ) & p=$!; kill $p; wait $p; echo "killed job: $?"
set -- a b c; echo "args: $# $2"
echo "${HOME:-unset} ${NOPE:-default}"
yes | head -3
exec 3>/tmp/fd3; echo via fd3 >&3; exec 3>&-; cat /tmp/fd3
umask 027; touch /tmp/um; stat -c '%a' /tmp/um
echo done
