/*
 * Copyright 2026 The Spillway Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package io.spillway.examples.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The report's picture (JFreeChart): per workload, one bar per contender other than the built-in,
 * its ratio (median built-in time / median contender time), labelled with the median and the
 * min-max of the per-round ratios, and a line at 1 (parity). A workload whose checksums differ,
 * or whose run failed, has no bar and says so in its axis label. The subtitle names what the run
 * was (Spark, master, size, scale, rounds, date), nothing about the machine's load: that is in the
 * report's table.
 */
final class RatioChart {
  private RatioChart() {}

  static void write(Path file, SpillwayBenchmark.Settings s, List<Report.WorkloadResult> results)
      throws IOException {
    List<Contender> contenders =
        s.contenders.stream().filter(c -> c != Contender.BUILT_IN).toList();
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    for (Report.WorkloadResult r : results) {
      String category = category(r, contenders);
      for (Contender c : contenders) {
        double[] ratio = r.ratio(c);
        // a null value keeps the category and the series' colours, and draws no bar
        dataset.addValue(ratio == null ? null : ratio[0], c.label, category);
      }
    }
    CategoryAxis workloads = new CategoryAxis(null);
    workloads.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    workloads.setMaximumCategoryLabelWidthRatio(2f);
    NumberAxis ratios = new NumberAxis("built-in time / contender time (higher: contender faster)");
    ratios.setLowerBound(0);
    BarRenderer bars = new BarRenderer();
    bars.setBarPainter(new StandardBarPainter());
    bars.setShadowVisible(false);
    bars.setItemMargin(0.05);
    Color[] colours = {new Color(46, 125, 50), new Color(33, 102, 172)};
    for (int i = 0; i < contenders.size(); i++) {
      bars.setSeriesPaint(i, colours[i % colours.length]);
    }
    bars.setDefaultItemLabelGenerator(new MinMaxLabels(results, contenders));
    bars.setDefaultItemLabelsVisible(true);
    bars.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    bars.setDefaultPositiveItemLabelPosition(
        new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER));
    CategoryPlot plot = new CategoryPlot(dataset, workloads, ratios, bars);
    plot.setOrientation(PlotOrientation.VERTICAL);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(210, 210, 210));
    ValueMarker parity =
        new ValueMarker(
            1.0,
            new Color(180, 30, 30),
            new BasicStroke(
                1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    parity.setLabel("parity");
    parity.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
    parity.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
    plot.addRangeMarker(parity);
    // room above the tallest bar for its label
    double max = 2.0;
    for (Report.WorkloadResult r : results) {
      for (Contender c : contenders) {
        double[] ratio = r.ratio(c);
        if (ratio != null) {
          max = Math.max(max, ratio[0] * 1.15);
        }
      }
    }
    ratios.setUpperBound(max);

    JFreeChart chart =
        new JFreeChart(
            contenders.stream()
                    .map(c -> c.label)
                    .reduce((a, b) -> a + " and " + b)
                    .orElse("Contenders")
                + " vs Spark's built-in sort shuffle",
            new Font(Font.SANS_SERIF, Font.BOLD, 16),
            plot,
            true);
    chart.setBackgroundPaint(Color.WHITE);
    chart.addSubtitle(
        new TextTitle(
            String.format(
                Locale.ROOT,
                "Spark %s, %s, %s suite, scale %s, median of %d round(s), labels: median (min-max of per-round "
                    + "ratios); %s",
                s.sparkVersion,
                s.master,
                s.size,
                s.scale,
                s.reps,
                s.startedAt.substring(0, 10)),
            new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
    int width = Math.max(960, 110 * results.size());
    ChartUtils.saveChartAsPNG(file.toFile(), chart, width, 640);
  }

  /** The workload's axis label, with why bars are missing. */
  static String category(Report.WorkloadResult r, List<Contender> contenders) {
    if (r.mismatch != null) {
      return r.name() + " [CHECKSUM MISMATCH]";
    }
    StringBuilder label = new StringBuilder(r.name());
    for (Contender c : List.of(Contender.BUILT_IN, Contender.SPILLWAY, Contender.COMET)) {
      if (r.contenders.contains(c)
          && !r.notRun.containsKey(c)
          && !Report.WorkloadResult.allOk(r.of(c))) {
        label.append(" [").append(c.label).append(" FAILED]");
      }
    }
    return label.toString();
  }

  /** "1.29 (1.12-1.35)" above each bar. */
  static final class MinMaxLabels extends StandardCategoryItemLabelGenerator {
    private final List<Report.WorkloadResult> results;
    private final List<Contender> contenders;

    MinMaxLabels(List<Report.WorkloadResult> results, List<Contender> contenders) {
      this.results = results;
      this.contenders = contenders;
    }

    @Override
    public String generateLabel(CategoryDataset dataset, int row, int column) {
      double[] ratio = results.get(column).ratio(contenders.get(row));
      return ratio == null
          ? null
          : String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", ratio[0], ratio[1], ratio[2]);
    }
  }
}
