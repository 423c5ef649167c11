"""The demo workspace: a believable company whose leaders have been talking to customers for six months."""
