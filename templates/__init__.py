"""Text sources that are not code: sheet layouts, ribbon XML, VBA modules, report layouts."""
