# Replaces PyInstaller's own hook for PySide6.QtSvg: the same collection, minus the Qt plugins and
# translations Wirelab never loads (packaging/bundle_rules.py), so their dependencies are never scanned.
import bundle_rules as rules
from PyInstaller.utils.hooks.qt import add_qt6_dependencies

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries, datas = rules.trim_hook_entries(binaries), rules.trim_hook_entries(datas)
