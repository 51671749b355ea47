"""A fresh set of namespaces for each notebook, entered by a fork of the grading worker.

The grading worker is warm (NumPy, IPython... imported) and pristine (it never holds a
student's data). For each notebook it forks a *supervisor*, which calls :func:`enter` to get
a new user, mount, PID, network, IPC and UTS namespace, fresh memory-backed writable folders
and read-only everything else; the supervisor then forks the notebook's process, PID 1 of the
new PID namespace, which calls :func:`lock_down` before any student code runs. When that
process ends, or the supervisor is killed, the kernel kills everything left in the PID
namespace at once, however often it re-forks.

Only the Linux system calls are used (through ``ctypes``): nothing here may import more than
the standard library, and nothing here trusts anything the student can touch.
"""

from __future__ import annotations

import ctypes
import os
import platform
import re
import struct

_libc = ctypes.CDLL(None, use_errno=True)

CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
#: Every namespace flag: student code may create none of them.
NAMESPACE_FLAGS = (
    CLONE_NEWNS
    | CLONE_NEWCGROUP
    | CLONE_NEWUTS
    | CLONE_NEWIPC
    | CLONE_NEWUSER
    | CLONE_NEWPID
    | CLONE_NEWNET
)

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18

PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP = 1, 4, 24
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, PR_CAP_AMBIENT = 38, 22, 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
SECCOMP_MODE_FILTER = 2


class NamespaceError(OSError):
    """A namespace, mount or privilege step failed (the notebook must not run)."""


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise NamespaceError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    _check(
        _libc.mount(
            source.encode(),
            target.encode(),
            fstype.encode() if fstype else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {target}",
    )


def enter(fresh_folders: dict[str, str], tmpfs_bytes: int) -> None:
    """Enter new namespaces and mount fresh, empty writable folders (the supervisor's step).

    Parameters
    ----------
    fresh_folders : dict
        Folder inside the sandbox to its mode (``"1777"``...): each gets a new, empty,
        memory-backed file system of ``tmpfs_bytes``. Every other mount becomes read-only.
    tmpfs_bytes : int
        Size of each fresh folder.
    """
    uid, gid = os.getuid(), os.getgid()
    _check(
        _libc.unshare(
            CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
        ),
        "unshare",
    )
    # The worker is not dumpable (its /proc files belong to root), which its forks inherit;
    # a process must be dumpable to write its own id maps. Nothing secret is in this one.
    _check(_libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), "dumpable")
    # The same uid inside as outside, and nothing else mapped.
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as f:
        f.write(f"{gid} {gid} 1")
    # No student process may make a user namespace of its own (where it would be root):
    # the limit of this namespace counts every namespace made below it.
    with open("/proc/sys/user/max_user_namespaces", "w") as f:
        f.write("0")
    _mount("none", "/", None, MS_REC | MS_PRIVATE, None)
    for target, flags in _writable_mounts():
        # Read-only, the worker's own folders that fresh ones cover too. A bind remount must
        # repeat the flags it cannot clear (nosuid, nodev...).
        _mount("none", target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags, None)
    for target, mode in fresh_folders.items():
        _mount(
            "tmpfs",
            target,
            "tmpfs",
            MS_NOSUID | MS_NODEV,
            f"size={tmpfs_bytes},mode={mode},uid={uid},gid={gid}",
        )


#: Mount options that a bind remount must keep, as mount flags.
_KEPT_FLAGS = {
    "nosuid": MS_NOSUID,
    "nodev": MS_NODEV,
    "noexec": MS_NOEXEC,
    "noatime": 1024,
    "nodiratime": 2048,
    "relatime": 1 << 21,
    "strictatime": 1 << 24,
}


def _writable_mounts() -> list[tuple[str, int]]:
    """Writable mount points of this mount namespace, with the flags to keep.

    Device nodes, ptys and ``/proc`` (replaced by the notebook's own) are left as they are.
    """
    found = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            target, options = fields[4], fields[5].split(",")
            fstype = fields[fields.index("-") + 1]
            if "rw" in options and fstype not in ("devtmpfs", "devpts", "proc", "mqueue"):
                flags = sum(_KEPT_FLAGS.get(option, 0) for option in options)
                # mountinfo escapes spaces and the like as octal (\040).
                path = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), target)
                found.append((path, flags))
    return found


def lock_down(keep_fds: tuple[int, ...]) -> None:
    """Make this process (PID 1 of the notebook's namespace) safe to run student code.

    It dies with its supervisor, sees only its own processes, keeps no capability, can never
    gain one, cannot trace, create namespaces or mount, and holds no descriptor but
    ``keep_fds`` (and standard input/output/error, pointed at ``/dev/null``).
    """
    # Should the supervisor die before this line, the grader closes the channel and this
    # process ends at once, having read no job.
    _check(_libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0), "parent death signal")
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
    close_all_but(keep_fds)
    drop_privileges()


def close_all_but(keep_fds: tuple[int, ...]) -> None:
    """Close every descriptor but ``keep_fds``; 0, 1 and 2 point at ``/dev/null``."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        if fd != null:
            os.dup2(null, fd)
    low = 3
    for fd in sorted(set(keep_fds)):
        if fd > low:
            os.closerange(low, fd)
        low = max(low, fd + 1)
    os.closerange(low, 1 << 16)
    if null > 2 and null not in keep_fds:
        try:
            os.close(null)
        except OSError:
            pass


def drop_privileges() -> None:
    """No capabilities now or ever, and a system-call filter (see :func:`seccomp_program`)."""
    for cap in range(64):
        _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)  # fails past the last one: harmless
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [
            ("effective", ctypes.c_uint32),
            ("permitted", ctypes.c_uint32),
            ("inheritable", ctypes.c_uint32),
        ]

    header = Header(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (Data * 2)()
    _check(_libc.capset(ctypes.byref(header), ctypes.byref(data)), "capset")
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no new privileges")
    program = seccomp_program()

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]

    buffer = ctypes.create_string_buffer(program, len(program))
    prog = Program(len(program) // 8, ctypes.cast(buffer, ctypes.c_char_p))
    _check(
        _libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0),
        "seccomp",
    )


# ------------------------------------------------------------------------------------------
# The system-call filter
# ------------------------------------------------------------------------------------------
#: Blocked system calls of Linux 5.1 and later: from 424 on, every architecture numbers them alike.
_SAME_NUMBER_EVERYWHERE = {
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsmount": 432,
    "fspick": 433,
    "mount_setattr": 442,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
}
#: Per architecture: audit arch number, then the system calls student code may not make.
#: Tracing another process or reading its memory, making or joining namespaces, mounting,
#: the kernel keyrings (which outlive processes), eBPF, perf, io_uring (which bypasses this
#: filter), userfaultfd and loading kernels or modules.
_BLOCKED = {
    "x86_64": (
        0xC000003E,
        {
            "ptrace": 101,
            "process_vm_readv": 310,
            "process_vm_writev": 311,
            "unshare": 272,
            "setns": 308,
            "mount": 165,
            "umount2": 166,
            "pivot_root": 155,
            "keyctl": 250,
            "add_key": 248,
            "request_key": 249,
            "bpf": 321,
            "perf_event_open": 298,
            "userfaultfd": 323,
            "kexec_load": 246,
            "kexec_file_load": 320,
            "init_module": 175,
            "finit_module": 313,
            "delete_module": 176,
            **_SAME_NUMBER_EVERYWHERE,
        },
        {"clone": 56, "clone3": 435},
    ),
    "aarch64": (
        0xC00000B7,
        {
            "ptrace": 117,
            "process_vm_readv": 270,
            "process_vm_writev": 271,
            "unshare": 97,
            "setns": 268,
            "mount": 40,
            "umount2": 39,
            "pivot_root": 41,
            "keyctl": 219,
            "add_key": 217,
            "request_key": 218,
            "bpf": 280,
            "perf_event_open": 241,
            "userfaultfd": 282,
            "kexec_load": 104,
            "kexec_file_load": 294,
            "init_module": 105,
            "finit_module": 273,
            "delete_module": 106,
            **_SAME_NUMBER_EVERYWHERE,
        },
        {"clone": 220, "clone3": 435},
    ),
}

_LD_W_ABS, _JEQ, _JSET, _JGE, _RET = 0x20, 0x15, 0x45, 0x35, 0x06
_ALLOW, _KILL_PROCESS = 0x7FFF0000, 0x80000000
_EPERM, _ENOSYS = 1, 38


def _errno(code: int) -> int:
    return 0x00050000 | code


def seccomp_program(machine: str | None = None) -> bytes:
    """The classic-BPF seccomp filter for this machine's architecture.

    Another architecture's system calls (the 32-bit ABI) end the process; the blocked calls
    fail with ``EPERM``; ``clone`` fails with ``EPERM`` when it asks for a namespace, and
    ``clone3`` (whose flags a filter cannot read) with ``ENOSYS``, so the C library falls
    back to ``clone``.
    """
    machine = machine or platform.machine()
    if machine not in _BLOCKED:
        raise NamespaceError(0, f"no system-call filter for {machine}")
    arch, blocked, clones = _BLOCKED[machine]
    # Labels: each instruction is (code, jt, jf, k) with jt/jf naming a label or an offset.
    code: list[tuple[int, object, object, int]] = [
        (_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        (_JEQ, 0, "kill", arch),
        (_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
    ]
    if machine == "x86_64":
        code.append((_JGE, "deny", 0, 0x40000000))  # the x32 ABI
    for number in blocked.values():
        code.append((_JEQ, "deny", 0, number))
    code.append((_JEQ, "clone3", 0, clones["clone3"]))
    code.append((_JEQ, 0, "allow", clones["clone"]))
    code.append((_LD_W_ABS, 0, 0, 16))  # low half of args[0]: clone's flags
    code.append((_JSET, "deny", "allow", NAMESPACE_FLAGS))
    labels = {"allow": len(code), "deny": len(code) + 1, "clone3": len(code) + 2}
    labels["kill"] = len(code) + 3
    code += [
        (_RET, 0, 0, _ALLOW),
        (_RET, 0, 0, _errno(_EPERM)),
        (_RET, 0, 0, _errno(_ENOSYS)),
        (_RET, 0, 0, _KILL_PROCESS),
    ]
    out = b""
    for index, (op, jt, jf, k) in enumerate(code):

        def offset(target, index=index):
            return labels[target] - index - 1 if isinstance(target, str) else target

        out += struct.pack("<HBBI", op, offset(jt), offset(jf), k)
    return out
