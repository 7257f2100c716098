<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
  <context>
    <name>EditPanel</name>
    <message>
      <source>Open a scenario to edit its grids.</source>
      <translation>打开一个方案以编辑其网格。</translation>
    </message>
    <message>
      <source>Paint target: none</source>
      <translation>涂刷目标：无</translation>
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
      <source>Drag a shared vertex: both grids follow (topological editing and snapping are on).</source>
      <translation>拖动共享顶点：相邻网格同步移动（已开启拓扑编辑和捕捉）。</translation>
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
      <source>Save as scenario (new folder)</source>
      <translation>另存为方案（新文件夹）</translation>
    </message>
    <message>
      <source>new</source>
      <translation>新增</translation>
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
      <source>Validation (click to zoom):</source>
      <translation>校验结果（单击定位）：</translation>
    </message>
    <message>
      <source>This scenario has no grids or units layer: nothing to edit.</source>
      <translation>该方案没有网格或居民单元图层，无法编辑。</translation>
    </message>
    <message>
      <source>Select at least two grids to merge</source>
      <translation>请至少选择两个网格进行合并</translation>
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
      <source>No scenario is open</source>
      <translation>尚未打开方案</translation>
    </message>
    <message>
      <source>Overwrite scenario?</source>
      <translation>覆盖方案？</translation>
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
      <source>All grids: {0:.0f} households; ≤5/10/15 min: {1} / {2} / {3}</source>
      <translation>全部网格：{0:.0f} 户；≤5/10/15分钟覆盖：{1} / {2} / {3}</translation>
    </message>
    <message>
      <source>Saved the scenario to {0}</source>
      <translation>方案已保存到 {0}</translation>
    </message>
    <message>
      <source>{0} exists. Replace it with the edited layout?</source>
      <translation>{0} 已存在。是否用编辑后的布局替换？</translation>
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
      <source>Paint target: {0}</source>
      <translation>涂刷目标：{0}</translation>
    </message>
    <message>
      <source>removed</source>
      <translation>已删除</translation>
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
    <name>SplitTool</name>
    <message>
      <source>Split: {0} new grid(s)</source>
      <translation>拆分：新增 {0} 个网格</translation>
    </message>
  </context>
</TS>
