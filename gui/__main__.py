"""``python -m gui``: start Wirelab (the window, or a headless subcommand)."""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from gui.launcher import main

    raise SystemExit(main())
