"""The application file (format ``hnte/application@1``): model, loading and validation."""

from hnte.application.load import load_application, parse_application
from hnte.application.model import Application

__all__ = ["Application", "load_application", "parse_application"]
