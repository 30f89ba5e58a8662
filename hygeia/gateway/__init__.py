"""The HTTP gateway (`hygeia serve`): the suite over HTTP for the systems and people around it."""
