"""The REST request builder's logic: request model, curl and Python export, explanations, files, the runner.

Pure Python (no Qt): ``gui/rest`` renders what these modules compute. docs/REST.md has the overview.
"""
