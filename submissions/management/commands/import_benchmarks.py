from submissions.imports.benchmarks import benchmarks_import
from submissions.management.importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import benchmarks from a CSV or XLSX file. All or nothing: one bad row and nothing "
        "is stored; every bad row is listed with its line number. Exits non-zero on a refusal."
    )
    importer = staticmethod(benchmarks_import)
