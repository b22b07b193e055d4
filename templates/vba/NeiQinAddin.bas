Attribute VB_Name = "NeiQinRibbon"
Option Explicit

' NeiQin ribbon module (add-in NeiQin.xlam).
' The same buttons as NeiQin.xlsm, acting on the workbook the clerk has active
' rather than on the add-in itself. Messages for the clerk come from Python.

Sub NeiQinAction(control As IRibbonControl)
    RunPython "import macros; macros.dispatch('" & control.Id & "', target='active')"
End Sub
