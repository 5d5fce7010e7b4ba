# python3 with its standard library (issue 10): json, re, subprocess, asyncio
# (epoll, socketpair) and a few
# modules that need extension libraries or the file system. Run by Debian's
# /usr/bin/python3 on Trapgate and on Linux; the output must be the same.
import asyncio
import collections
import hashlib
import json
import os
import pathlib
import re
import struct
import subprocess
import sys
import tempfile
import zlib

doc = {"name": "trapgate", "calls": [0, 1, 60], "nested": {"ok": True, "none": None, "pi": 3.25}}
text = json.dumps(doc, sort_keys=True)
print("json", text)
print("json roundtrip", json.loads(text) == doc)

words = re.findall(r"[a-z]+(?=\d)", "abc1 de2 f g33 hij")
print("re findall", words)
print("re sub", re.sub(r"(\w+)@(\w+)", r"\2 at \1", "user@host root@box"))
print("re match", bool(re.fullmatch(r"(?i)py(thon)?3?", "PYTHON3")))

r = subprocess.run([sys.executable, "-c", "import sys; print('child', sys.argv[1:]); sys.exit(3)", "x", "y"],
                   capture_output=True, text=True)
print("subprocess", r.returncode, r.stdout.strip())
r = subprocess.run([sys.executable, "-c", "import os; os.write(2, b'err')"], stderr=subprocess.PIPE)
print("subprocess stderr", r.returncode, r.stderr)

async def child_via_asyncio():
    p = await asyncio.create_subprocess_exec(sys.executable, "-c", "print('from asyncio')",
                                             stdout=asyncio.subprocess.PIPE)
    out, _ = await p.communicate()
    await asyncio.sleep(0.01)
    return out.decode().strip(), p.returncode


print("asyncio", asyncio.run(child_via_asyncio()))

print("collections", collections.Counter("mississippi").most_common(2))
print("struct", struct.pack("<IHb", 7, 513, -1).hex())
print("sha256", hashlib.sha256(b"trapgate").hexdigest()[:16])
print("zlib", zlib.crc32(b"hello"), len(zlib.compress(b"a" * 1000)) < 50)

with tempfile.TemporaryDirectory() as d:
    p = pathlib.Path(d)
    (p / "b.txt").write_text("bee\n")
    (p / "a.txt").write_text("ay\n")
    os.mkdir(p / "sub")
    print("files", sorted(os.listdir(d)), (p / "b.txt").read_text().strip(), (p / "a.txt").stat().st_size)
print("tmp cleaned", not os.path.exists(d))
