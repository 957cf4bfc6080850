"""The calendar wing of the window: the reporting calendar tab."""
