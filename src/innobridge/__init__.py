"""InnoBridge: a region's science-and-technology innovation services (科技创新服务平台)."""

__version__ = "0.1.0"
