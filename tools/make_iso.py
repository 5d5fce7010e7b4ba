"""A bootable GRUB ISO (Multiboot2): the path to real hardware.

  python3 tools/make_iso.py [--init PROGRAM] [-o build/trapgate.iso] [-- ARGS]

GRUB loads build/vmlinux with `multiboot2` and the initramfs with `module2`;
the kernel's Multiboot2 header (arch/x86_64/boot/head_64.S) gives GRUB the
32-bit entry point. Boot it with: qemu-system-x86_64 -cdrom build/trapgate.iso
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import trapgate  # noqa: E402


def make_iso(out, image, cmdline):
    tmp = tempfile.mkdtemp(prefix="trapgate-iso-")
    try:
        os.makedirs(os.path.join(tmp, "boot", "grub"))
        shutil.copy(trapgate.KERNEL, os.path.join(tmp, "boot", "vmlinux"))
        image.write(os.path.join(tmp, "boot", "initrd.cpio"))
        with open(os.path.join(tmp, "boot", "grub", "grub.cfg"), "w") as f:
            f.write("set timeout=0\nset default=0\n"
                    "menuentry \"Trapgate\" {\n"
                    "    multiboot2 /boot/vmlinux %s\n"
                    "    module2 /boot/initrd.cpio\n"
                    "    boot\n}\n" % cmdline)
        subprocess.run(["grub-mkrescue", "-o", out, tmp], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--init", default=os.path.join(trapgate.BUILD, "examples", "get_cpus"))
    ap.add_argument("-o", "--output", default=os.path.join(trapgate.BUILD, "trapgate.iso"))
    ap.add_argument("args", nargs="*")
    o = ap.parse_args()
    image, guest = trapgate.program_image(o.init, [])
    print(make_iso(o.output, image, trapgate.cmdline(guest, o.args)))


if __name__ == "__main__":
    main()
