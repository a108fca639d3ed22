"""What each default variant of params.yaml draws, in a line: the README's table of
variants (shapegen.reporting) and the playground page's menu (shapegen.playground) say it
in these words."""

DRAWS = {
    "book": "the chapter's model: one rectangle, the same every time",
    "mixture": "rectangles of every size, sampled; completes given corners",
    "families": "rectangles, rotated rectangles and regular polygons; picks the family and "
    "when to stop",
    "families_conditional": "the same three families, each shape of the family asked for",
    "families_point": "`families` without memory (the chapter's framing): the lesson",
}
