Attribute VB_Name = "NeiQinRibbon"
Option Explicit

' NeiQin ribbon module (workbook NeiQin.xlsm).
' Every button of the NeiQin tab calls this one callback; the button id is the
' id of a registered Python action (see `neiqin actions`). Messages for the clerk
' come from Python (in Chinese): VBA source is code page 1252 and stays ASCII.

Sub NeiQinAction(control As IRibbonControl)
    RunPython "import macros; macros.dispatch('" & control.Id & "')"
End Sub
