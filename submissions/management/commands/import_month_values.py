from submissions.imports.month_values import month_values_import
from submissions.management.importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import month values from a CSV or XLSX file. All or nothing: one bad row and nothing "
        "is stored; every bad row is listed with its line number. Exits non-zero on a refusal."
    )
    importer = staticmethod(month_values_import)
