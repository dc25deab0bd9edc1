"""The script PyInstaller freezes: the same start as the ``wirelab`` command (gui.launcher.main).

freeze_support() runs first, before anything else is imported: a worker process of the frozen app is
this same executable started again, and freeze_support() is what turns that run into the worker
(without it each worker would open another Wirelab, which starts workers again: a fork bomb).
"""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from gui.launcher import main

    raise SystemExit(main())
