"""The library: digest files read, merged into papers, cached, watched and fetched."""
