"""The library: digest files read, merged into papers, indexed on disk, watched and fetched."""
