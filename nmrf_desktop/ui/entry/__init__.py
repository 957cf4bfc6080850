"""Recording work: the action and progress dialogs, evidence, picking, undo and redo."""
