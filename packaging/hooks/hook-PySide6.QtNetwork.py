# Replaces PyInstaller's own hook for PySide6.QtNetwork: the same collection, minus the Qt plugins and
# translations Wirelab never loads (packaging/bundle_rules.py), so their dependencies are never scanned.
import bundle_rules as rules
from PyInstaller.utils.hooks.qt import add_qt6_dependencies, pyside6_library_info

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries += pyside6_library_info.collect_qtnetwork_files()  # OpenSSL DLLs on Windows, as the stock hook
binaries, datas = rules.trim_hook_entries(binaries), rules.trim_hook_entries(datas)
