"""The indicators wing of the window: the Indicators tab, adding indicators, importing values."""
