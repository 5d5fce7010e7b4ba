# File system applets: create, link, move, remove, permissions, find.
cd /tmp
mkdir -p a/b/c
echo hello > a/b/c/f
ln -s c/f a/b/link
ln a/b/c/f a/hard
cat a/b/link
readlink a/b/link
stat -c '%n %s %h %F' a/b/c/f a/hard a/b/link a/b
mv a/hard a/moved
ls a
cp -r a copy
find copy | sort
find a -type f | sort
chmod 640 a/moved
stat -c '%a %U %G' a/moved
touch -d '2001-02-03 04:05:06' a/moved 2>/dev/null && stat -c '%Y' a/moved
rm -r copy
ls
rmdir a/b 2>&1 | sed 's/^rmdir: //'
rm -rf a
[ -e a ] || echo "a is gone"
echo data > x; test -s x && echo "x is not empty"
: > empty; test -s empty || echo "empty is empty"
dd if=/dev/zero of=zeros bs=512 count=3 2>/dev/null; wc -c < zeros
cat /dev/null | wc -l
head -c 16 /dev/urandom | wc -c
