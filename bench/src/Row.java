import java.util.ArrayList;
import java.util.List;

/** One line of the table: a workload, its values per registry and round, and its limit. */
final class Row {
  final String id;
  final String title;
  final String unit;
  final boolean higherIsBetter;
  final List<Double> berth = new ArrayList<>();
  final List<Double> registry2 = new ArrayList<>();
  String limit = "";
  String note = "";

  Row(String id, String title, String unit, boolean higherIsBetter) {
    this.id = id;
    this.title = title;
    this.unit = unit;
    this.higherIsBetter = higherIsBetter;
  }

  double berthMedian() {
    return Util.median(berth);
  }

  double registry2Median() {
    return Util.median(registry2);
  }

  /** Greater than 1 when Berth is better. */
  double ratio() {
    double b = berthMedian();
    double r = registry2Median();
    if (Double.isNaN(b) || Double.isNaN(r) || b == 0 || r == 0) {
      return Double.NaN;
    }
    return higherIsBetter ? b / r : r / b;
  }

  void addNote(String text) {
    note = note.isEmpty() ? text : note + "; " + text;
  }
}
