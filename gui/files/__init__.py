"""The file sender window and the receiving side widgets (offer dialog, received files); logic in core."""
