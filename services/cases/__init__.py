"""Cases (phản ánh, kiến nghị) and their lifecycle: filing, codes, what residents do after,
the events and notifications every change records, and the read models channels show."""
