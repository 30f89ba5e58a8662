"""`hygeia demo`: one realistic day on a local chain, narrated, told in chapters."""
