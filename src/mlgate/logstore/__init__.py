"""The tamper-evident decision log: one ``LogStore`` protocol, one module per store.

Every check, approval and rejection is appended as a record that holds the hash
of the record before it (sha256 over canonical JSON), so editing, deleting,
inserting or reordering a record breaks the chain and ``mlgate log verify``
finds the first bad record. Stores: ``sqlite`` (default) and ``postgres``.
"""
