"""The chat window: Wirelab chat rooms, and a raw TCP mode (a graphical nc) for any other server."""
