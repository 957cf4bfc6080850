"""The reports wing of the window: Print / Export PDF and the Excel exports."""
