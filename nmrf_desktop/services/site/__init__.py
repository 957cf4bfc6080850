"""The public site: `publish` the record's public subset as a static, searchable website."""

from nmrf_desktop.services.site.publish import publish
from nmrf_desktop.services.site.request import PublishError, PublishRequest, PublishResult

__all__ = ["PublishError", "PublishRequest", "PublishResult", "publish"]
