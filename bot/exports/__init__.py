"""Files handed to people: CSV neutralization, file names and the shared export cache."""

from bot.exports.cache import ExportCache, ExportKey
from bot.exports.neutralize import export_filename, neutralize_cell, neutralize_csv_file

__all__ = ["ExportCache", "ExportKey", "export_filename", "neutralize_cell", "neutralize_csv_file"]
