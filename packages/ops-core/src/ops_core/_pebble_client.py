"""The second seam: what a :class:`Container` needs from Pebble (`PebbleClient`).

``ops_pebble.Client`` satisfies this protocol in production; ``ops_testing`` supplies an
in-memory implementation. Types come from ``ops_pebble`` for type checking only: this
module never imports ``ops_pebble`` at run time.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import IO, TYPE_CHECKING, Any, BinaryIO, Protocol, TextIO, overload

if TYPE_CHECKING:
    from ops_pebble import (
        Change,
        ChangeID,
        ChangeState,
        CheckInfo,
        CheckLevel,
        ExecProcess,
        FileInfo,
        Identity,
        IdentityDict,
        Layer,
        LayerDict,
        Notice,
        NoticesUsers,
        NoticeType,
        Plan,
        ServiceInfo,
        SystemInfo,
        Warning,
        WarningState,
    )

__all__ = ['PebbleClient']


class PebbleClient(Protocol):
    """The public method set of ``ops_pebble.Client`` (see that class for the semantics)."""

    def get_system_info(self) -> SystemInfo:
        """Pebble's version and boot id."""
        ...

    def get_warnings(self, select: WarningState = ...) -> list[Warning]:
        """Pending (or all) warnings."""
        ...

    def ack_warnings(self, timestamp: datetime.datetime) -> int:
        """Acknowledge warnings up to ``timestamp``; returns how many."""
        ...

    def get_changes(self, select: ChangeState = ..., service: str | None = None) -> list[Change]:
        """Changes, filtered by state and service."""
        ...

    def get_change(self, change_id: ChangeID) -> Change:
        """One change by id."""
        ...

    def abort_change(self, change_id: ChangeID) -> Change:
        """Abort a change."""
        ...

    def wait_change(
        self, change_id: ChangeID, timeout: float | None = 30.0, delay: float = 0.1
    ) -> Change:
        """Wait for a change to finish."""
        ...

    def autostart_services(self, timeout: float = 30.0, delay: float = 0.1) -> ChangeID:
        """Start the services marked ``startup: enabled``."""
        ...

    def replan_services(self, timeout: float = 30.0, delay: float = 0.1) -> ChangeID:
        """Restart changed services and start enabled ones."""
        ...

    def start_services(
        self, services: Iterable[str], timeout: float = 30.0, delay: float = 0.1
    ) -> ChangeID:
        """Start services by name."""
        ...

    def stop_services(
        self, services: Iterable[str], timeout: float = 30.0, delay: float = 0.1
    ) -> ChangeID:
        """Stop services by name."""
        ...

    def restart_services(
        self, services: Iterable[str], timeout: float = 30.0, delay: float = 0.1
    ) -> ChangeID:
        """Restart services by name."""
        ...

    def get_services(self, names: Iterable[str] | None = None) -> list[ServiceInfo]:
        """Status of the named (or all) services."""
        ...

    def add_layer(
        self, label: str, layer: str | LayerDict | Layer, *, combine: bool = False
    ) -> None:
        """Add (or combine) a configuration layer."""
        ...

    def get_plan(self) -> Plan:
        """The combined configuration plan."""
        ...

    @overload
    def pull(self, path: str, *, encoding: None) -> BinaryIO: ...

    @overload
    def pull(self, path: str, *, encoding: str = 'utf-8') -> TextIO: ...

    def pull(self, path: str, *, encoding: str | None = 'utf-8') -> BinaryIO | TextIO:
        """Read a file from the workload."""
        ...

    def push(
        self,
        path: str,
        source: str | bytes | IO[str] | IO[bytes],
        *,
        encoding: str = 'utf-8',
        make_dirs: bool = False,
        permissions: int | None = None,
        user_id: int | None = None,
        user: str | None = None,
        group_id: int | None = None,
        group: str | None = None,
    ) -> None:
        """Write a file to the workload."""
        ...

    def list_files(
        self, path: str, *, pattern: str | None = None, itself: bool = False
    ) -> list[FileInfo]:
        """List a directory (or describe a path with ``itself``)."""
        ...

    def make_dir(
        self,
        path: str,
        *,
        make_parents: bool = False,
        permissions: int | None = None,
        user_id: int | None = None,
        user: str | None = None,
        group_id: int | None = None,
        group: str | None = None,
    ) -> None:
        """Create a directory."""
        ...

    def remove_path(self, path: str, *, recursive: bool = False) -> None:
        """Remove a file or directory."""
        ...

    @overload
    def exec(
        self,
        command: list[str],
        *,
        service_context: str | None = None,
        environment: dict[str, str] | None = None,
        working_dir: str | None = None,
        timeout: float | None = None,
        user_id: int | None = None,
        user: str | None = None,
        group_id: int | None = None,
        group: str | None = None,
        stdin: str | TextIO | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        encoding: str = 'utf-8',
        combine_stderr: bool = False,
    ) -> ExecProcess[str]: ...

    @overload
    def exec(
        self,
        command: list[str],
        *,
        service_context: str | None = None,
        environment: dict[str, str] | None = None,
        working_dir: str | None = None,
        timeout: float | None = None,
        user_id: int | None = None,
        user: str | None = None,
        group_id: int | None = None,
        group: str | None = None,
        stdin: bytes | BinaryIO | None = None,
        stdout: BinaryIO | None = None,
        stderr: BinaryIO | None = None,
        encoding: None = None,
        combine_stderr: bool = False,
    ) -> ExecProcess[bytes]: ...

    def exec(
        self,
        command: list[str],
        *,
        service_context: str | None = None,
        environment: dict[str, str] | None = None,
        working_dir: str | None = None,
        timeout: float | None = None,
        user_id: int | None = None,
        user: str | None = None,
        group_id: int | None = None,
        group: str | None = None,
        stdin: str | bytes | TextIO | BinaryIO | None = None,
        stdout: TextIO | BinaryIO | None = None,
        stderr: TextIO | BinaryIO | None = None,
        encoding: str | None = 'utf-8',
        combine_stderr: bool = False,
    ) -> ExecProcess[Any]:
        """Run a command in the workload."""
        ...

    def send_signal(self, sig: int | str, services: Iterable[str]) -> None:
        """Send a signal to running services."""
        ...

    def get_checks(
        self, level: CheckLevel | None = None, names: Iterable[str] | None = None
    ) -> list[CheckInfo]:
        """Health checks, filtered by level and names."""
        ...

    def start_checks(self, checks: Iterable[str]) -> list[str]:
        """Start checks; returns the names that changed."""
        ...

    def stop_checks(self, checks: Iterable[str]) -> list[str]:
        """Stop checks; returns the names that changed."""
        ...

    def notify(
        self,
        type: NoticeType,
        key: str,
        *,
        data: dict[str, str] | None = None,
        repeat_after: datetime.timedelta | None = None,
    ) -> str:
        """Record a custom notice; returns its id."""
        ...

    def get_notice(self, id: str) -> Notice:
        """One notice by id."""
        ...

    def get_notices(
        self,
        *,
        users: NoticesUsers | None = None,
        user_id: int | None = None,
        types: Iterable[NoticeType | str] | None = None,
        keys: Iterable[str] | None = None,
    ) -> list[Notice]:
        """Notices matching all the filters."""
        ...

    def get_identities(self) -> dict[str, Identity]:
        """Pebble's identities."""
        ...

    def replace_identities(self, identities: Mapping[str, IdentityDict | Identity | None]) -> None:
        """Add, replace or (with ``None``) remove identities."""
        ...

    def remove_identities(self, identities: Iterable[str]) -> None:
        """Remove identities by name."""
        ...
