"""Test-only fault injection. Nothing here does anything unless its environment variable is set.

``HNTE_FAULT_SLEEP_IN_TRANSITION=SECONDS`` makes :meth:`StateMachine.perform` sleep just before its
transaction commits — after the effect, the state change, the audit event and the notifications are written,
before any of it is committed — and log one line ``fault injection: <machine>.<transition> … before commit``
(WARNING, to stderr) so that a test knows a server is now in the middle of a transition and can kill it
(``tests/web/test_faults.py``). ``HNTE_FAULT_TRANSITIONS=application.submit,application.accept`` limits it to
those transitions. A few writes that are not transitions pause the same way under their own label
(``experts.remind``: the expert reminders, before their commit). Never set these in production.
"""

from __future__ import annotations

import logging
import os
import time

logger = logging.getLogger("hnte.faults")


def pause_before_commit(label: str) -> None:
    seconds = os.environ.get("HNTE_FAULT_SLEEP_IN_TRANSITION")
    if not seconds:
        return
    only = [s for s in os.environ.get("HNTE_FAULT_TRANSITIONS", "").split(",") if s]
    if only and label not in only:
        return
    logger.warning("fault injection: %s sleeps %s s before commit (pid %d)", label, seconds, os.getpid())
    for handler in logging.getLogger().handlers:
        handler.flush()
    time.sleep(float(seconds))
