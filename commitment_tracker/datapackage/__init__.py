"""The data package itself: its descriptor read once, where its files live, and its one CSV dialect.

Nothing here validates or queries; every other subpackage builds on these modules.
"""
