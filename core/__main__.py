"""``python -m core``: the headless ``wirelab`` commands (the GUI needs ``python -m gui`` or ``wirelab``)."""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from core.cli import main

    raise SystemExit(main())
