"""The Servers dashboard and the Qt side of the process supervisor."""
