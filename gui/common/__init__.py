"""Pieces every Wirelab window shares: colours, the app icon, small widgets."""
