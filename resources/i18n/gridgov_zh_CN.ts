<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
  <context>
    <name>ComparePanel</name>
    <message>
      <source>Add at least two scenarios to compare.</source>
      <translation>请至少添加两个方案进行对比。</translation>
    </message>
    <message>
      <source>Comparing {0} scenarios…</source>
      <translation>正在对比 {0} 个方案…</translation>
    </message>
    <message>
      <source>Done — {0}</source>
      <translation>完成 — {0}</translation>
    </message>
    <message>
      <source>'{0}' is neither a scenario folder (scenario.toml) nor a run output (scores.json).</source>
      <translation>“{0}”既不是方案文件夹（scenario.toml），也不是运行输出（scores.json）。</translation>
    </message>
    <message>
      <source>Open a scenario in the Scenario tab first.</source>
      <translation>请先在“方案”页打开一个方案。</translation>
    </message>
    <message>
      <source>{0} (no summary table: {1})</source>
      <translation>{0}（无汇总表：{1}）</translation>
    </message>
    <message>
      <source>Scenario folders or run outputs to compare (the first is the baseline)</source>
      <translation>要对比的方案文件夹或运行输出（第一个为基准）</translation>
    </message>
    <message>
      <source>Add…</source>
      <translation>添加…</translation>
    </message>
    <message>
      <source>Add open</source>
      <translation>添加当前</translation>
    </message>
    <message>
      <source>Add the scenario open in the Scenario tab</source>
      <translation>添加“方案”页中已打开的方案</translation>
    </message>
    <message>
      <source>Remove</source>
      <translation>移除</translation>
    </message>
    <message>
      <source>Edited layout vs its saved version</source>
      <translation>编辑中的布局 vs 已保存版本</translation>
    </message>
    <message>
      <source>Compare the open scenario's unsaved edits with the saved scenario</source>
      <translation>将已打开方案的未保存编辑与已保存的方案对比</translation>
    </message>
    <message>
      <source>Output</source>
      <translation>输出</translation>
    </message>
    <message>
      <source>Compare</source>
      <translation>对比</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>Add two or more scenarios.</source>
      <translation>请添加两个或以上方案。</translation>
    </message>
    <message>
      <source>Open comparison report</source>
      <translation>打开对比报告</translation>
    </message>
    <message>
      <source>Scenario folder</source>
      <translation>方案文件夹</translation>
    </message>
    <message>
      <source>Scenarios (first = baseline)</source>
      <translation>方案（第一个为基准）</translation>
    </message>
  </context>
  <context>
    <name>EditPanel</name>
    <message>
      <source>Drag a shared vertex: both grids follow (topological editing and snapping are on).</source>
      <translation>拖动共享顶点：相邻网格同步移动（已开启拓扑编辑和捕捉）。</translation>
    </message>
    <message>
      <source>This scenario has no grids or units layer: nothing to edit.</source>
      <translation>该方案没有网格或居民单元图层，无法编辑。</translation>
    </message>
    <message>
      <source>GridGov: preparing live statistics</source>
      <translation>GridGov：正在准备实时统计</translation>
    </message>
    <message>
      <source>Preparing the live statistics of {0}…</source>
      <translation>正在准备 {0} 的实时统计…</translation>
    </message>
    <message>
      <source>Select at least two grids to merge</source>
      <translation>请至少选择两个网格进行合并</translation>
    </message>
    <message>
      <source>Nothing to undo</source>
      <translation>没有可撤销的操作</translation>
    </message>
    <message>
      <source>Nothing to redo</source>
      <translation>没有可重做的操作</translation>
    </message>
    <message>
      <source>No scenario is open</source>
      <translation>尚未打开方案</translation>
    </message>
    <message>
      <source>Editing {0}: {1} grids.</source>
      <translation>正在编辑 {0}：{1} 个网格。</translation>
    </message>
    <message>
      <source>Merged {0} grids into {1}</source>
      <translation>已将 {0} 个网格合并为 {1}</translation>
    </message>
    <message>
      <source>Updated {0} grid(s) in {1:.0f} ms</source>
      <translation>{1:.0f} 毫秒内更新了 {0} 个网格</translation>
    </message>
    <message>
      <source>Validation failed: {0}</source>
      <translation>校验失败：{0}</translation>
    </message>
    <message>
      <source>Saved the scenario to {0}; the map now shows the saved scenario.</source>
      <translation>方案已保存到 {0}；地图现在显示已保存的方案。</translation>
    </message>
    <message>
      <source>Saved the scenario to {0}</source>
      <translation>方案已保存到 {0}</translation>
    </message>
    <message>
      <source>Live statistics unavailable: {0}</source>
      <translation>实时统计不可用：{0}</translation>
    </message>
    <message>
      <source>Saving failed: {0}</source>
      <translation>保存失败：{0}</translation>
    </message>
    <message>
      <source>Gap</source>
      <translation>缝隙</translation>
    </message>
    <message>
      <source>Overlap</source>
      <translation>重叠</translation>
    </message>
    <message>
      <source>Multipart grid</source>
      <translation>多部分网格</translation>
    </message>
    <message>
      <source>Outside the norm</source>
      <translation>超出规模标准</translation>
    </message>
    <message>
      <source>Unit in no grid</source>
      <translation>居民单元不属于任何网格</translation>
    </message>
    <message>
      <source>Unit outside its grid</source>
      <translation>居民单元位于所属网格之外</translation>
    </message>
    <message>
      <source>{0}: {1}</source>
      <translation>{0}：{1}</translation>
    </message>
    <message>
      <source>new</source>
      <translation>新增</translation>
    </message>
    <message>
      <source>{0:.0f} m², grids {1}</source>
      <translation>{0:.0f} 平方米，网格 {1}</translation>
    </message>
    <message>
      <source>grid {0} has {1} separate parts</source>
      <translation>网格 {0} 有 {1} 个互不相连的部分</translation>
    </message>
    <message>
      <source>{0} {1}: {2:.0f} households, norm {3}–{4}</source>
      <translation>{0} {1}：{2:.0f} 户，标准 {3}–{4}</translation>
    </message>
    <message>
      <source>unit {0} ({1:.0f} households) is in no grid</source>
      <translation>居民单元 {0}（{1:.0f} 户）不属于任何网格</translation>
    </message>
    <message>
      <source>unit {0} lies outside its grid {1}</source>
      <translation>居民单元 {0} 位于所属网格 {1} 之外</translation>
    </message>
    <message>
      <source>Open a scenario to edit its grids.</source>
      <translation>打开一个方案以编辑其网格。</translation>
    </message>
    <message>
      <source>Paint target: none</source>
      <translation>涂刷目标：无</translation>
    </message>
    <message>
      <source>Validation (click to zoom):</source>
      <translation>校验结果（单击定位）：</translation>
    </message>
    <message>
      <source>Check now</source>
      <translation>立即检查</translation>
    </message>
    <message>
      <source>Save as scenario…</source>
      <translation>另存为方案…</translation>
    </message>
    <message>
      <source>Merge grids</source>
      <translation>合并网格</translation>
    </message>
    <message>
      <source>Keep the attributes of:</source>
      <translation>保留以下网格的属性：</translation>
    </message>
    <message>
      <source>Save as scenario (new folder)</source>
      <translation>另存为方案（新文件夹）</translation>
    </message>
    <message>
      <source>Split</source>
      <translation>拆分</translation>
    </message>
    <message>
      <source>Split a grid by a line drawn across it</source>
      <translation>沿绘制的穿越线拆分网格</translation>
    </message>
    <message>
      <source>Merge</source>
      <translation>合并</translation>
    </message>
    <message>
      <source>Merge the selected grids</source>
      <translation>合并选中的网格</translation>
    </message>
    <message>
      <source>Paint</source>
      <translation>涂刷</translation>
    </message>
    <message>
      <source>Paint residential units into a grid (Shift+click picks the grid, Ctrl+Shift+click a micro-grid)</source>
      <translation>将居民单元涂刷到网格中（Shift+单击选择目标网格，Ctrl+Shift+单击选择微网格）</translation>
    </message>
    <message>
      <source>Boundary</source>
      <translation>边界</translation>
    </message>
    <message>
      <source>Move shared boundary vertices (topological editing, snapping on)</source>
      <translation>移动共享边界顶点（拓扑编辑，开启捕捉）</translation>
    </message>
    <message>
      <source>Facility</source>
      <translation>设施</translation>
    </message>
    <message>
      <source>Place, move or delete facilities</source>
      <translation>布设、移动或删除设施</translation>
    </message>
    <message>
      <source>Undo</source>
      <translation>撤销</translation>
    </message>
    <message>
      <source>Undo the last edit</source>
      <translation>撤销上一次编辑</translation>
    </message>
    <message>
      <source>Redo</source>
      <translation>重做</translation>
    </message>
    <message>
      <source>Redo the last undone edit</source>
      <translation>重做上一次撤销的编辑</translation>
    </message>
    <message>
      <source>Place</source>
      <translation>布设</translation>
    </message>
    <message>
      <source>Move</source>
      <translation>移动</translation>
    </message>
    <message>
      <source>Delete</source>
      <translation>删除</translation>
    </message>
    <message>
      <source>Grid</source>
      <translation>网格</translation>
    </message>
    <message>
      <source>Households</source>
      <translation>户数</translation>
    </message>
    <message>
      <source>Residents</source>
      <translation>人口</translation>
    </message>
    <message>
      <source>Workers</source>
      <translation>网格员</translation>
    </message>
    <message>
      <source>Compactness</source>
      <translation>紧凑度</translation>
    </message>
    <message>
      <source>Parts</source>
      <translation>部分数</translation>
    </message>
    <message>
      <source>≤5 min</source>
      <translation>≤5分钟</translation>
    </message>
    <message>
      <source>≤10 min</source>
      <translation>≤10分钟</translation>
    </message>
    <message>
      <source>≤15 min</source>
      <translation>≤15分钟</translation>
    </message>
    <message>
      <source>Norm</source>
      <translation>规模标准</translation>
    </message>
    <message>
      <source>Validation: checking…</source>
      <translation>校验：检查中…</translation>
    </message>
    <message>
      <source>Overwrite scenario?</source>
      <translation>覆盖方案？</translation>
    </message>
    <message>
      <source>Paint target: {0}</source>
      <translation>涂刷目标：{0}</translation>
    </message>
    <message>
      <source>All grids: {0:.0f} households; ≤5/10/15 min: {1} / {2} / {3}</source>
      <translation>全部网格：{0:.0f} 户；≤5/10/15分钟覆盖：{1} / {2} / {3}</translation>
    </message>
    <message>
      <source>{0} exists. Replace it with the edited layout?</source>
      <translation>{0} 已存在。是否用编辑后的布局替换？</translation>
    </message>
    <message>
      <source>removed</source>
      <translation>已删除</translation>
    </message>
    <message>
      <source>GridGov: checking the layout</source>
      <translation>GridGov：检查布局</translation>
    </message>
  </context>
  <context>
    <name>EngineTask</name>
    <message>
      <source>GridGov: compare {0} scenarios</source>
      <translation>GridGov：对比 {0} 个方案</translation>
    </message>
    <message>
      <source>Cancelled.</source>
      <translation>已取消。</translation>
    </message>
    <message>
      <source>Unexpected error ({0}: {1}). Details are in the GridGov log panel.</source>
      <translation>意外错误（{0}：{1}）。详情见 GridGov 日志面板。</translation>
    </message>
    <message>
      <source>Python module '{0}' is missing: {1}</source>
      <translation>缺少 Python 模块“{0}”：{1}</translation>
    </message>
    <message>
      <source>The task stopped without a result.</source>
      <translation>任务已停止，没有结果。</translation>
    </message>
    <message>
      <source>Python package '{0}' is missing. Install it with: {1}  — then restart QGIS.</source>
      <translation>缺少 Python 包“{0}”。请用以下命令安装：{1}  — 然后重启 QGIS。</translation>
    </message>
    <message>
      <source>GridGov: optimise {0} ({1})</source>
      <translation>GridGov：优化 {0}（{1}）</translation>
    </message>
  </context>
  <context>
    <name>FacilityTool</name>
    <message>
      <source>Moved a facility</source>
      <translation>已移动设施</translation>
    </message>
    <message>
      <source>Placed a facility</source>
      <translation>已布设设施</translation>
    </message>
    <message>
      <source>Deleted a facility</source>
      <translation>已删除设施</translation>
    </message>
    <message>
      <source>No facility under the cursor</source>
      <translation>光标处没有设施</translation>
    </message>
  </context>
  <context>
    <name>GridGovDeps</name>
    <message>
      <source>shapely does not work inside this QGIS (it was loaded against QGIS's own GEOS library, {0}). Restart QGIS; if another plugin imports shapely first, disable it or install a shapely built for your system GEOS (pip install --no-binary shapely shapely).</source>
      <translation>shapely 在此 QGIS 中无法正常工作（它链接到了 QGIS 自带的 GEOS 库，{0}）。请重启 QGIS；如果有其他插件先导入了 shapely，请停用该插件，或安装针对系统 GEOS 编译的 shapely（pip install --no-binary shapely shapely）。</translation>
    </message>
    <message>
      <source>GridGov needs Python packages that QGIS's Python lacks ({0}). Install them with: {1}  — then restart QGIS.</source>
      <translation>GridGov 需要 QGIS 的 Python 中缺少的包（{0}）。请用以下命令安装：{1}  — 然后重启 QGIS。</translation>
    </message>
  </context>
  <context>
    <name>GridGovDock</name>
    <message>
      <source>GridGov</source>
      <translation>GridGov 网格治理</translation>
    </message>
    <message>
      <source>Scenario</source>
      <translation>方案</translation>
    </message>
    <message>
      <source>Compare</source>
      <translation>对比</translation>
    </message>
    <message>
      <source>Edit</source>
      <translation>编辑</translation>
    </message>
  </context>
  <context>
    <name>GridGovEdits</name>
    <message>
      <source>Split grid</source>
      <translation>拆分网格</translation>
    </message>
    <message>
      <source>Merge grids</source>
      <translation>合并网格</translation>
    </message>
    <message>
      <source>Place facility</source>
      <translation>布设设施</translation>
    </message>
    <message>
      <source>Move facility</source>
      <translation>移动设施</translation>
    </message>
    <message>
      <source>Delete facility</source>
      <translation>删除设施</translation>
    </message>
    <message>
      <source>No valid layer to edit</source>
      <translation>没有可编辑的有效图层</translation>
    </message>
    <message>
      <source>Draw a line of at least two points across a grid</source>
      <translation>请绘制至少两个点、穿越网格的线</translation>
    </message>
    <message>
      <source>The line does not split any grid (draw it fully across one)</source>
      <translation>该线未拆分任何网格（请完整穿越一个网格）</translation>
    </message>
    <message>
      <source>Select at least two grids to merge</source>
      <translation>请至少选择两个网格进行合并</translation>
    </message>
    <message>
      <source>The grid whose attributes are kept must be one of the merged grids</source>
      <translation>保留属性的网格必须是参与合并的网格之一</translation>
    </message>
    <message>
      <source>The merged geometry is empty</source>
      <translation>合并后的几何为空</translation>
    </message>
    <message>
      <source>QGIS refused the merge (is the layer editable?)</source>
      <translation>QGIS 拒绝了合并（图层是否可编辑？）</translation>
    </message>
    <message>
      <source>QGIS refused the new facility</source>
      <translation>QGIS 拒绝了新设施</translation>
    </message>
    <message>
      <source>Layer '{0}' has no field '{1}'</source>
      <translation>图层“{0}”没有字段“{1}”</translation>
    </message>
    <message>
      <source>Layer '{0}' cannot be edited</source>
      <translation>图层“{0}”无法编辑</translation>
    </message>
    <message>
      <source>Grid feature(s) {0} not found</source>
      <translation>未找到网格要素 {0}</translation>
    </message>
    <message>
      <source>Unknown facility type '{0}'</source>
      <translation>未知的设施类型“{0}”</translation>
    </message>
    <message>
      <source>Facility {0} not found</source>
      <translation>未找到设施 {0}</translation>
    </message>
    <message>
      <source>Grid '{0}' is not among the selected grids</source>
      <translation>网格“{0}”不在选中的网格中</translation>
    </message>
    <message>
      <source>Move shared boundary vertex</source>
      <translation>移动共享边界顶点</translation>
    </message>
    <message>
      <source>No grid vertex at this place</source>
      <translation>此处没有网格顶点</translation>
    </message>
  </context>
  <context>
    <name>GridGovLayers</name>
    <message>
      <source>Roads</source>
      <translation>道路</translation>
    </message>
    <message>
      <source>Grids</source>
      <translation>网格</translation>
    </message>
    <message>
      <source>Residential units</source>
      <translation>居民单元</translation>
    </message>
    <message>
      <source>Facilities</source>
      <translation>设施</translation>
    </message>
    <message>
      <source>Incident history</source>
      <translation>历史事件</translation>
    </message>
    <message>
      <source>Service areas</source>
      <translation>服务范围</translation>
    </message>
    <message>
      <source>Life-circle bands</source>
      <translation>生活圈</translation>
    </message>
    <message>
      <source>{0}: layer '{1}' cannot be opened</source>
      <translation>{0}：无法打开图层“{1}”</translation>
    </message>
    <message>
      <source>{0}: no layers (missing or not a GeoPackage)</source>
      <translation>{0}：没有图层（文件不存在或不是 GeoPackage）</translation>
    </message>
  </context>
  <context>
    <name>GridGovPlugin</name>
    <message>
      <source>GridGov panel</source>
      <translation>GridGov 网格治理面板</translation>
    </message>
    <message>
      <source>Show the GridGov panel: open a scenario, run it, compare scenarios</source>
      <translation>显示 GridGov 面板：打开方案、运行、对比方案</translation>
    </message>
    <message>
      <source>Open the Chengdu Wuhou sample</source>
      <translation>打开成都武侯示例</translation>
    </message>
    <message>
      <source>Run the scenario</source>
      <translation>运行方案</translation>
    </message>
    <message>
      <source>Optimise grids (proposal beside the scenario)</source>
      <translation>优化网格（在方案旁生成建议）</translation>
    </message>
    <message>
      <source>Accept selected proposal grids</source>
      <translation>采纳所选的建议网格</translation>
    </message>
  </context>
  <context>
    <name>GridGovProcessing</name>
    <message>
      <source>Grid governance</source>
      <translation>网格化治理</translation>
    </message>
    <message>
      <source>Scenario folder</source>
      <translation>方案文件夹</translation>
    </message>
    <message>
      <source>Simulated days (empty = scenario)</source>
      <translation>模拟天数（留空 = 按方案）</translation>
    </message>
    <message>
      <source>Random seed (empty = scenario)</source>
      <translation>随机种子（留空 = 按方案）</translation>
    </message>
    <message>
      <source>'{0}' is not a scenario folder (it needs scenario.toml and layers.gpkg)</source>
      <translation>“{0}”不是方案文件夹（需要 scenario.toml 和 layers.gpkg）</translation>
    </message>
    <message>
      <source>Cancelled.</source>
      <translation>已取消。</translation>
    </message>
    <message>
      <source>Service circles</source>
      <translation>生活圈</translation>
    </message>
    <message>
      <source>Builds the road network of a scenario and computes 5/10/15-minute community life circles: for every residential unit the nearest facility of each type, travel time and band; the band polygons and each facility's responsibility area. Writes a GeoPackage with layers 'bands', 'service_areas', 'units' and 'facilities' (and 'facility_bands' when asked). Travel mode 'scenario' uses the scenario's [circles] mode.</source>
      <translation>构建方案的道路网络并计算 5/10/15 分钟社区生活圈：每个居民单元到各类设施的最近设施、出行时间和所属分带；分带多边形和每个设施的服务范围。输出 GeoPackage，含图层 'bands'、'service_areas'、'units' 和 'facilities'（需要时还有 'facility_bands'）。出行方式 'scenario' 使用方案 [circles] 中的方式。</translation>
    </message>
    <message>
      <source>Travel mode</source>
      <translation>出行方式</translation>
    </message>
    <message>
      <source>Also band polygons per facility</source>
      <translation>同时输出每个设施的生活圈分带</translation>
    </message>
    <message>
      <source>Circles GeoPackage</source>
      <translation>生活圈 GeoPackage</translation>
    </message>
    <message>
      <source>Life-circle bands</source>
      <translation>生活圈分带</translation>
    </message>
    <message>
      <source>Service areas</source>
      <translation>服务范围</translation>
    </message>
    <message>
      <source>Units with bands</source>
      <translation>居民单元（含生活圈分带）</translation>
    </message>
    <message>
      <source>Facilities with served households</source>
      <translation>设施（含服务户数）</translation>
    </message>
    <message>
      <source>Compare scenarios</source>
      <translation>方案对比</translation>
    </message>
    <message>
      <source>Runs and compares two or more scenarios (the first is the baseline) and writes a comparison report (compare.html) and table (compare.csv). Pick each scenario's scenario.toml file, or the scores.json of an earlier run (then it is not recomputed).</source>
      <translation>运行并对比两个或以上方案（第一个为基准），输出对比报告（compare.html）和对比表（compare.csv）。请选择各方案的 scenario.toml 文件，或之前运行得到的 scores.json（此时不再重新计算）。</translation>
    </message>
    <message>
      <source>Scenarios (their scenario.toml files)</source>
      <translation>方案（其 scenario.toml 文件）</translation>
    </message>
    <message>
      <source>Report language</source>
      <translation>报告语言</translation>
    </message>
    <message>
      <source>Output folder</source>
      <translation>输出文件夹</translation>
    </message>
    <message>
      <source>Comparison report</source>
      <translation>对比报告</translation>
    </message>
    <message>
      <source>Comparison table</source>
      <translation>对比表</translation>
    </message>
    <message>
      <source>Compare needs at least two scenarios.</source>
      <translation>对比至少需要两个方案。</translation>
    </message>
    <message>
      <source>'{0}' is neither a scenario (scenario.toml) nor a run output (scores.json)</source>
      <translation>“{0}”既不是方案（scenario.toml），也不是运行输出（scores.json）</translation>
    </message>
    <message>
      <source>Score scenario</source>
      <translation>方案评分</translation>
    </message>
    <message>
      <source>Runs a scenario end to end (service circles, incident simulation, scores) and writes scores.json, results.gpkg (units, grids, facilities, service areas, bands) and report.html into the output folder. TOTAL is the weighted total score.</source>
      <translation>完整运行一个方案（生活圈、事件模拟、评分），在输出文件夹中写出 scores.json、results.gpkg（居民单元、网格、设施、服务范围、生活圈分带）和 report.html。TOTAL 为加权总分。</translation>
    </message>
    <message>
      <source>Total score</source>
      <translation>总分</translation>
    </message>
    <message>
      <source>Report</source>
      <translation>报告</translation>
    </message>
    <message>
      <source>Scored grids</source>
      <translation>网格评分</translation>
    </message>
    <message>
      <source>Units with life-circle bands</source>
      <translation>居民单元（含生活圈分带）</translation>
    </message>
    <message>
      <source>Simulate incidents</source>
      <translation>事件模拟</translation>
    </message>
    <message>
      <source>Simulates incident arrivals and the closed-loop response (report → dispatch → travel → handle → escalate → verify → close) of a scenario's grid workers. Writes per-grid statistics as a GeoPackage layer 'grids', the run summary as JSON and, optionally, every incident's timeline as Parquet. Empty days/seed use the scenario's values.</source>
      <translation>模拟事件的发生以及方案中网格员的闭环处置（上报 → 派单 → 到场 → 处置 → 上报升级 → 核查 → 结案）。输出各网格统计（GeoPackage 图层 'grids'）、运行摘要（JSON），并可选输出每个事件的时间线（Parquet）。天数/随机种子留空时使用方案中的值。</translation>
    </message>
    <message>
      <source>Engine</source>
      <translation>引擎</translation>
    </message>
    <message>
      <source>Per-grid statistics</source>
      <translation>网格统计</translation>
    </message>
    <message>
      <source>Summary</source>
      <translation>摘要</translation>
    </message>
    <message>
      <source>Incident log (Parquet, optional)</source>
      <translation>事件明细（Parquet，可选）</translation>
    </message>
    <message>
      <source>Grids with simulated load</source>
      <translation>网格负荷</translation>
    </message>
    <message>
      <source>Validate scenario</source>
      <translation>校验方案</translation>
    </message>
    <message>
      <source>Checks a scenario folder (scenario.toml + layers.gpkg): parameters, layers, fields, geometries, grid nesting and sizes. Every problem names the file, layer, feature id and field. Writes them to a CSV; with 'Fail on errors' the algorithm stops when there is an error, which stops a model before later steps run on bad data.</source>
      <translation>检查方案文件夹（scenario.toml + layers.gpkg）：参数、图层、字段、几何、网格嵌套和规模。每个问题都标明文件、图层、要素 ID 和字段，并写入 CSV；勾选“有错误时停止”时，存在错误则算法停止，从而在模型后续步骤处理错误数据之前中止。</translation>
    </message>
    <message>
      <source>Fail on errors</source>
      <translation>有错误时停止</translation>
    </message>
    <message>
      <source>Problems</source>
      <translation>问题列表</translation>
    </message>
    <message>
      <source>Errors</source>
      <translation>错误数</translation>
    </message>
    <message>
      <source>Warnings</source>
      <translation>警告数</translation>
    </message>
    <message>
      <source>Valid</source>
      <translation>是否有效</translation>
    </message>
    <message>
      <source>{0}: {1} error(s); first: {2}</source>
      <translation>{0}：{1} 个错误；第一个：{2}</translation>
    </message>
    <message>
      <source>GridGov grid governance</source>
      <translation>GridGov 网格化治理</translation>
    </message>
    <message>
      <source>New scenario from layers</source>
      <translation>由图层新建方案</translation>
    </message>
    <message>
      <source>Builds a new scenario folder from an OpenStreetMap extract and/or project layers: roads split at junctions, residential units with households (from a register CSV joined by id or location, a field named in 'Field mapping', or estimated as footprint × floors ÷ dwelling size), communities, grids drawn within the size norms (or your own), facilities and one grid workstation per community. Data digitised on Gaode/Tencent maps is GCJ-02, on Baidu BD-09: choose it under 'Coordinates' and it is converted to WGS-84. Warnings do not stop the import; every source and assumption is written to scenario.toml and ATTRIBUTION.md. Same as 'gridgov import' on the command line.</source>
      <translation>由 OpenStreetMap 数据和/或工程中的图层新建方案文件夹：道路在交叉口处打断；居民单元及户数（来自按编号或位置关联的人房数据 CSV、“字段映射”中指定的字段，或按基底面积 × 层数 ÷ 套均面积估算）；社区；按规模标准自动划分的网格（或使用已有网格）；设施，以及每个社区一个网格工作站。在高德/腾讯地图上采集的数据为 GCJ-02 坐标，百度地图为 BD-09：在“坐标系”中选择后会转换为 WGS-84。警告不会中止导入；所有数据来源和假设写入 scenario.toml 和 ATTRIBUTION.md。与命令行 gridgov import 相同。</translation>
    </message>
    <message>
      <source>Roads (replace OSM roads)</source>
      <translation>道路（替代 OSM 道路）</translation>
    </message>
    <message>
      <source>Building footprints</source>
      <translation>建筑基底</translation>
    </message>
    <message>
      <source>Community boundaries</source>
      <translation>社区边界</translation>
    </message>
    <message>
      <source>Facilities (type field)</source>
      <translation>设施（含类型字段）</translation>
    </message>
    <message>
      <source>Existing grids (else drawn)</source>
      <translation>已有网格（否则自动划分）</translation>
    </message>
    <message>
      <source>Clip polygons</source>
      <translation>裁剪面</translation>
    </message>
    <message>
      <source>OpenStreetMap extract (.osm.pbf)</source>
      <translation>OpenStreetMap 数据（.osm.pbf）</translation>
    </message>
    <message>
      <source>Household register (CSV)</source>
      <translation>人房数据（CSV）</translation>
    </message>
    <message>
      <source>Field mapping (e.g. households=HU_COUNT,floors=FLOORS)</source>
      <translation>字段映射（如 households=HU_COUNT,floors=FLOORS）</translation>
    </message>
    <message>
      <source>Clip extent</source>
      <translation>裁剪范围</translation>
    </message>
    <message>
      <source>Coordinates of lon/lat inputs</source>
      <translation>经纬度输入的坐标系</translation>
    </message>
    <message>
      <source>Working CRS (empty = UTM zone of the data)</source>
      <translation>工作坐标系（留空 = 数据所在 UTM 带）</translation>
    </message>
    <message>
      <source>County code (6 digits)</source>
      <translation>区县代码（6 位）</translation>
    </message>
    <message>
      <source>Replace the folder if it is a scenario</source>
      <translation>若文件夹已是方案则替换</translation>
    </message>
    <message>
      <source>New scenario folder</source>
      <translation>新方案文件夹</translation>
    </message>
    <message>
      <source>Residential units</source>
      <translation>居民单元</translation>
    </message>
    <message>
      <source>Households</source>
      <translation>户数</translation>
    </message>
    <message>
      <source>General grids</source>
      <translation>一般网格</translation>
    </message>
  </context>
  <context>
    <name>GridGovScores</name>
    <message>
      <source>min</source>
      <translation>分钟</translation>
    </message>
    <message>
      <source>households</source>
      <translation>户</translation>
    </message>
    <message>
      <source>workers</source>
      <translation>名网格员</translation>
    </message>
    <message>
      <source>stations</source>
      <translation>个站点</translation>
    </message>
    <message>
      <source>findings</source>
      <translation>处</translation>
    </message>
    <message>
      <source>gaps</source>
      <translation>处缝隙</translation>
    </message>
    <message>
      <source>pairs</source>
      <translation>对</translation>
    </message>
    <message>
      <source>CNY/year</source>
      <translation>元/年</translation>
    </message>
    <message>
      <source>Scenario</source>
      <translation>方案</translation>
    </message>
    <message>
      <source>Total</source>
      <translation>总分</translation>
    </message>
    <message>
      <source>Δ vs baseline</source>
      <translation>与基准差值</translation>
    </message>
    <message>
      <source>Rank</source>
      <translation>排名</translation>
    </message>
    <message>
      <source>Total score</source>
      <translation>总分</translation>
    </message>
    <message>
      <source>weighted total (0–100)</source>
      <translation>加权总分（0–100）</translation>
    </message>
    <message>
      <source>not computed</source>
      <translation>未计算</translation>
    </message>
    <message>
      <source>average of the scored '{0}' metrics</source>
      <translation>“{0}”类已评分指标的平均值</translation>
    </message>
    <message>
      <source>{0}: cannot read scores ({1})</source>
      <translation>{0}：无法读取评分（{1}）</translation>
    </message>
    <message>
      <source>weight {0} %</source>
      <translation>权重 {0} %</translation>
    </message>
    <message>
      <source>(no significant difference)</source>
      <translation>（无显著差异）</translation>
    </message>
    <message>
      <source>{0} (baseline)</source>
      <translation>{0}（基准）</translation>
    </message>
  </context>
  <context>
    <name>GridGovSnapshot</name>
    <message>
      <source>No scenario is open.</source>
      <translation>没有打开的方案。</translation>
    </message>
    <message>
      <source>The open scenario has no unsaved edits to compare with its saved version.</source>
      <translation>已打开的方案没有可与已保存版本对比的未保存编辑。</translation>
    </message>
    <message>
      <source>{0}: cannot write layer '{1}': {2}</source>
      <translation>{0}：无法写入图层“{1}”：{2}</translation>
    </message>
  </context>
  <context>
    <name>LiveAdapter</name>
    <message>
      <source>units layer is not editable: relocated units were not written</source>
      <translation>居民单元图层不可编辑：重新归属的居民单元未写入</translation>
    </message>
    <message>
      <source>live statistics need a metric CRS (got {0})</source>
      <translation>实时统计需要米制坐标系（当前为 {0}）</translation>
    </message>
  </context>
  <context>
    <name>OptimiseController</name>
    <message>
      <source>Open a scenario first.</source>
      <translation>请先打开一个方案。</translation>
    </message>
    <message>
      <source>Run Optimise first, with the scenario's grids and units layers open.</source>
      <translation>请先运行优化，并保持方案的网格和居住单元图层处于打开状态。</translation>
    </message>
    <message>
      <source>Select one or more general grids in the proposal layer.</source>
      <translation>请在建议图层中选择一个或多个一般网格。</translation>
    </message>
    <message>
      <source>Proposal ready ({0} units moved): select proposed grids and use 'Accept selected proposal grids'.</source>
      <translation>建议已生成（调整 {0} 个居住单元）：选择建议网格后使用“采纳所选的建议网格”。</translation>
    </message>
    <message>
      <source>{0} grid(s) accepted into the scenario's edit buffer (save the layers to keep them).</source>
      <translation>已将 {0} 个网格采纳到方案的编辑缓冲区（保存图层后生效）。</translation>
    </message>
  </context>
  <context>
    <name>PaintTool</name>
    <message>
      <source>Pick the target grid first (Shift+click on it)</source>
      <translation>请先选择目标网格（Shift+单击）</translation>
    </message>
    <message>
      <source>The units layer cannot be edited</source>
      <translation>居民单元图层无法编辑</translation>
    </message>
    <message>
      <source>No grid under the cursor</source>
      <translation>光标处没有网格</translation>
    </message>
    <message>
      <source>Paint units into {0}</source>
      <translation>将居民单元涂刷到 {0}</translation>
    </message>
    <message>
      <source>Painted {0} unit(s) into {1}</source>
      <translation>已将 {0} 个居民单元涂刷到 {1}</translation>
    </message>
  </context>
  <context>
    <name>ScenarioPanel</name>
    <message>
      <source>Starting…</source>
      <translation>正在启动…</translation>
    </message>
    <message>
      <source>Checking the scenario…</source>
      <translation>正在检查方案…</translation>
    </message>
    <message>
      <source>Open a scenario first.</source>
      <translation>请先打开一个方案。</translation>
    </message>
    <message>
      <source>Cancelling…</source>
      <translation>正在取消…</translation>
    </message>
    <message>
      <source>{0} error(s): {1}</source>
      <translation>{0} 个错误：{1}</translation>
    </message>
    <message>
      <source>Done — results in {0}</source>
      <translation>完成 — 结果位于 {0}</translation>
    </message>
    <message>
      <source>{0}: run finished, results in {1}</source>
      <translation>{0}：运行完成，结果位于 {1}</translation>
    </message>
    <message>
      <source>'{0}' is not a scenario folder (it needs scenario.toml and layers.gpkg).</source>
      <translation>“{0}”不是方案文件夹（需要 scenario.toml 和 layers.gpkg）。</translation>
    </message>
    <message>
      <source>{0} warning(s).</source>
      <translation>{0} 个警告。</translation>
    </message>
    <message>
      <source>The run finished but its results cannot be shown: {0}</source>
      <translation>运行已完成，但无法显示结果：{0}</translation>
    </message>
    <message>
      <source>Scenario folder (scenario.toml + layers.gpkg)</source>
      <translation>方案文件夹（scenario.toml + layers.gpkg）</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>打开</translation>
    </message>
    <message>
      <source>Validate the folder and add its layers to the map</source>
      <translation>校验文件夹并把其中的图层加入地图</translation>
    </message>
    <message>
      <source>Sample</source>
      <translation>示例</translation>
    </message>
    <message>
      <source>Open the bundled Chengdu Wuhou sample scenario</source>
      <translation>打开内置的成都武侯示例方案</translation>
    </message>
    <message>
      <source>Open a scenario folder, or the sample.</source>
      <translation>请打开方案文件夹或示例。</translation>
    </message>
    <message>
      <source>Output folder for scores.json, results.gpkg, report.html</source>
      <translation>scores.json、results.gpkg、report.html 的输出文件夹</translation>
    </message>
    <message>
      <source>Output</source>
      <translation>输出</translation>
    </message>
    <message>
      <source>Run scenario</source>
      <translation>运行方案</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>Facility type whose 5/10/15-minute bands the map shows</source>
      <translation>地图显示其 5/10/15 分钟生活圈的设施类型</translation>
    </message>
    <message>
      <source>Life circle of</source>
      <translation>生活圈设施</translation>
    </message>
    <message>
      <source>Open report</source>
      <translation>打开报告</translation>
    </message>
    <message>
      <source>GridGov: checking {0}</source>
      <translation>GridGov：检查 {0}</translation>
    </message>
    <message>
      <source>GridGov: run {0}</source>
      <translation>GridGov：运行 {0}</translation>
    </message>
    <message>
      <source>New scenario from layers…</source>
      <translation>由图层新建方案…</translation>
    </message>
    <message>
      <source>Build a scenario from an OSM extract, project layers and a household register (Processing: GridGov › New scenario from layers)</source>
      <translation>由 OSM 数据、工程图层和人房数据新建方案（处理工具：GridGov › 由图层新建方案）</translation>
    </message>
  </context>
  <context>
    <name>ScoresTable</name>
    <message>
      <source>Metric</source>
      <translation>指标</translation>
    </message>
    <message>
      <source>Value</source>
      <translation>数值</translation>
    </message>
    <message>
      <source>Score</source>
      <translation>得分</translation>
    </message>
  </context>
  <context>
    <name>SplitTool</name>
    <message>
      <source>Split: {0} new grid(s)</source>
      <translation>拆分：新增 {0} 个网格</translation>
    </message>
  </context>
</TS>
