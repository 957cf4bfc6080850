"""File → Import Recommendations…: UPR Info, Human Rights Index and template files."""
