"""Help: the bundled user guide, its window, and F1 on each dialog opening its section."""
