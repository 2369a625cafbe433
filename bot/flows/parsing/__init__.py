"""Reading typed answers, one module a kind of answer.

Every reader returns a `base.Parsed`: either a value or the key of the UI text that explains
why the answer was not accepted (with the fields that text needs), so the re-prompt always
says why. `choices` reads yes/no and options, `numbers` amounts, counts and ages, `dates` dates
and months, `durations` years (which may be given as a start date).
"""
