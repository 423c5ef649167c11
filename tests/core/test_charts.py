"""Charts for people: the heat map says what its shades mean and carries its figures as a table."""

import xml.etree.ElementTree as ET

from outsidein.core.charts import heatmap

SVG = "{http://www.w3.org/2000/svg}"


def test_a_heat_map_has_a_legend_values_on_hover_and_a_table_of_its_figures():
    drawn = str(heatmap(["Ana", "Ben"], ["1 Dec", "8 Dec", "15 Dec"], [[0, 2, 4], [1, 0, 3]], title="Per week"))
    svg, _, table = drawn.partition("</svg>")
    root = ET.fromstring(svg + "</svg>")  # well-formed
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Fewer" in texts and "More" in texts and texts[-6:-1] == ["0", "1", "2", "3", "4"]
    hovers = [t.text for t in root.iter(f"{SVG}title")]
    assert "Ben, 15 Dec: 3" in hovers and "Ana, 1 Dec: 0" in hovers
    rows = ET.fromstring(table).findall("./tbody/tr")
    assert [[c.text for c in row] for row in rows] == [["Ana", "0", "2", "4"], ["Ben", "1", "0", "3"]]
    assert ET.fromstring(table).find("caption").text == "Per week"
