# Text processing applets on files in /tmp.
cd /tmp
printf 'banana\napple\ncherry\napple\ndate\n' > fruit
sort fruit
sort -u fruit | wc -l
uniq -c fruit
sort fruit | uniq -c | sort -rn | head -2
grep -n an fruit
grep -c apple fruit
grep -v a fruit || echo "grep -v: no match status $?"
cut -c1-3 fruit | tr a-z A-Z
sed -e 's/a/A/g' -e '/cherry/d' fruit
awk '{ n += length($0) } END { print NR, n }' fruit
tail -n 2 fruit
head -c 7 fruit; echo
printf '%s-%05d-%x\n' word 42 255
seq 3 | xargs echo items:
echo "a b  c" | tr -s ' ' | cut -d' ' -f2
expr 6 \* 7
echo $((2 ** 10 + 3 % 2))
wc -c < fruit
rev fruit 2>/dev/null | head -1 || echo "rev missing"
