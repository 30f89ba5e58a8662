"""The machine a benchmark ran on, for the report: CPU, cores, memory, OS, Python, Anvil, load."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path

from hygeia.dev.nodes import anvil

GIB = 1 << 30


@dataclass(frozen=True)
class Machine:
    cpu: str
    cores: int
    ram_gib: float
    os: str
    python: str
    anvil: str
    load_average: float  # over the minute before the run: other work skews the timings


def describe() -> Machine:
    return Machine(
        cpu=_cpu_model(),
        cores=os.cpu_count() or 0,
        ram_gib=round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GIB, 1),
        os=f"{_os_name()} (kernel {platform.release()}, {platform.machine()})",
        python=f"{platform.python_implementation()} {platform.python_version()}",
        anvil=_anvil_version(),
        load_average=round(os.getloadavg()[0], 2),
    )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return f"{platform.system()} {platform.release()}"


def _anvil_version() -> str:
    done = subprocess.run(
        [anvil.find_anvil(), "--version"], capture_output=True, text=True, check=False
    )
    first = done.stdout.strip().splitlines()[:1]
    return first[0].removeprefix("anvil Version: ") if first else "unknown"
