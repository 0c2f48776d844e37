Attribute VB_Name = "yibao"
' yibao.bas - call libyibao (yibao_x64.dll / yibao_x86.dll) from Excel VBA.
'
' Strings go in as UTF-16 through StrPtr (no ANSI conversion, Chinese text is
' kept), results come back into a String$ buffer the macro sizes itself (the
' DLL never returns memory VBA would have to free), money goes through the
' Currency type (an exact 64-bit integer scaled by 10 000). Every function
' returns a status: 0 = OK, 101 = buffer too small (needed is set), others as
' in yibao.h; on failure the buffer holds the error JSON {"code","path","message"}
' (a failing call returns its own status even when asked for the size, with
' needed set to the error JSON's length).
'
' Put yibao_x64.dll (64-bit Office) or yibao_x86.dll (32-bit Office) next to
' the workbook and call YibaoLoad from Workbook_Open.
Option Explicit

#If VBA7 Then
  #If Win64 Then
    Private Const YIBAO_DLL As String = "yibao_x64.dll"
    Private Declare PtrSafe Function yibao_vba_version Lib "yibao_x64.dll" (ByVal outBuf As LongPtr, ByVal cap As Long, ByRef needed As Long) As Long
    Private Declare PtrSafe Function yibao_vba_settle Lib "yibao_x64.dll" (ByVal policy As LongPtr, ByVal policyLen As Long, ByVal claim As LongPtr, ByVal claimLen As Long, ByVal outBuf As LongPtr, ByVal cap As Long, ByRef needed As Long) As Long
    Private Declare PtrSafe Function yibao_vba_reverse Lib "yibao_x64.dll" (ByVal settlement As LongPtr, ByVal settlementLen As Long, ByVal outBuf As LongPtr, ByVal cap As Long, ByRef needed As Long) As Long
    Private Declare PtrSafe Function yibao_vba_last_error Lib "yibao_x64.dll" (ByVal outBuf As LongPtr, ByVal cap As Long, ByRef needed As Long) As Long
    Private Declare PtrSafe Function yibao_vba_simple_fund Lib "yibao_x64.dll" (ByVal policy As LongPtr, ByVal policyLen As Long, ByVal insutype As LongPtr, ByVal insutypeLen As Long, ByVal psnType As LongPtr, ByVal psnTypeLen As Long, ByVal medType As LongPtr, ByVal medTypeLen As Long, ByVal hospLv As LongPtr, ByVal hospLvLen As Long, ByVal visitDate As LongPtr, ByVal visitDateLen As Long, ByVal amount As Currency, ByRef fund As Currency, ByRef cash As Currency) As Long
  #Else
    Private Const YIBAO_DLL As String = "yibao_x86.dll"
    Private Declare PtrSafe Function yibao_vba_version Lib "yibao_x86.dll" (ByVal outBuf As LongPtr, ByVal cap As Long, ByRef needed As Long) As Long
    Private Declare PtrSafe Function yibao_vba_settle Lib "yibao_x86.dll" (ByVal policy As LongPtr, ByVal policyLen As Long, ByVal claim As LongPtr, ByVal claimLen As Long, ByVal outBuf As LongPtr, ByVal cap As Long, ByRef needed As Long) As Long
    Private Declare PtrSafe Function yibao_vba_reverse Lib "yibao_x86.dll" (ByVal settlement As LongPtr, ByVal settlementLen As Long, ByVal outBuf As LongPtr, ByVal cap As Long, ByRef needed As Long) As Long
    Private Declare PtrSafe Function yibao_vba_last_error Lib "yibao_x86.dll" (ByVal outBuf As LongPtr, ByVal cap As Long, ByRef needed As Long) As Long
    Private Declare PtrSafe Function yibao_vba_simple_fund Lib "yibao_x86.dll" (ByVal policy As LongPtr, ByVal policyLen As Long, ByVal insutype As LongPtr, ByVal insutypeLen As Long, ByVal psnType As LongPtr, ByVal psnTypeLen As Long, ByVal medType As LongPtr, ByVal medTypeLen As Long, ByVal hospLv As LongPtr, ByVal hospLvLen As Long, ByVal visitDate As LongPtr, ByVal visitDateLen As Long, ByVal amount As Currency, ByRef fund As Currency, ByRef cash As Currency) As Long
  #End If
  Private Declare PtrSafe Function LoadLibraryW Lib "kernel32" (ByVal path As LongPtr) As LongPtr
#Else
  ' Office 2007 and older (always 32-bit).
  Private Const YIBAO_DLL As String = "yibao_x86.dll"
  Private Declare Function yibao_vba_version Lib "yibao_x86.dll" (ByVal outBuf As Long, ByVal cap As Long, ByRef needed As Long) As Long
  Private Declare Function yibao_vba_settle Lib "yibao_x86.dll" (ByVal policy As Long, ByVal policyLen As Long, ByVal claim As Long, ByVal claimLen As Long, ByVal outBuf As Long, ByVal cap As Long, ByRef needed As Long) As Long
  Private Declare Function yibao_vba_reverse Lib "yibao_x86.dll" (ByVal settlement As Long, ByVal settlementLen As Long, ByVal outBuf As Long, ByVal cap As Long, ByRef needed As Long) As Long
  Private Declare Function yibao_vba_last_error Lib "yibao_x86.dll" (ByVal outBuf As Long, ByVal cap As Long, ByRef needed As Long) As Long
  Private Declare Function yibao_vba_simple_fund Lib "yibao_x86.dll" (ByVal policy As Long, ByVal policyLen As Long, ByVal insutype As Long, ByVal insutypeLen As Long, ByVal psnType As Long, ByVal psnTypeLen As Long, ByVal medType As Long, ByVal medTypeLen As Long, ByVal hospLv As Long, ByVal hospLvLen As Long, ByVal visitDate As Long, ByVal visitDateLen As Long, ByVal amount As Currency, ByRef fund As Currency, ByRef cash As Currency) As Long
  Private Declare Function LoadLibraryW Lib "kernel32" (ByVal path As Long) As Long
#End If

Private Const YIBAO_BUFFER_TOO_SMALL As Long = 101

' Loads the DLL from the workbook's folder (call from Workbook_Open).
Public Sub YibaoLoad()
    Dim p As String
    p = ThisWorkbook.Path & "\" & YIBAO_DLL
    LoadLibraryW StrPtr(p)
End Sub

' The library version, e.g. "0.1.0".
Public Function YibaoVersion() As String
    Dim needed As Long, buf As String
    yibao_vba_version 0, 0, needed
    buf = String$(needed, vbNullChar)
    If yibao_vba_version(StrPtr(buf), needed, needed) = 0 Then YibaoVersion = Left$(buf, needed - 1)
End Function

' Settles a claim (the contract's JSON) under a built-in pack or a policy file;
' returns the settlement JSON, or the error JSON when status <> 0.
Public Function YibaoSettle(ByVal policy As String, ByVal claimJson As String, Optional ByRef status As Long) As String
    Dim needed As Long, buf As String
    status = yibao_vba_settle(StrPtr(policy), Len(policy), StrPtr(claimJson), Len(claimJson), 0, 0, needed)
    If needed > 0 Then
        buf = String$(needed, vbNullChar)
        status = yibao_vba_settle(StrPtr(policy), Len(policy), StrPtr(claimJson), Len(claimJson), StrPtr(buf), needed, needed)
        YibaoSettle = Left$(buf, needed - 1)
    End If
End Function

' Reverses a settlement; returns the reversal JSON (accumulators restored in ytd_after).
Public Function YibaoReverse(ByVal settlementJson As String, Optional ByRef status As Long) As String
    Dim needed As Long, buf As String
    status = yibao_vba_reverse(StrPtr(settlementJson), Len(settlementJson), 0, 0, needed)
    If needed > 0 Then
        buf = String$(needed, vbNullChar)
        status = yibao_vba_reverse(StrPtr(settlementJson), Len(settlementJson), StrPtr(buf), needed, needed)
        YibaoReverse = Left$(buf, needed - 1)
    End If
End Function

' The last error of this thread as JSON.
Public Function YibaoLastError() As String
    Dim needed As Long, buf As String
    yibao_vba_last_error 0, 0, needed
    buf = String$(needed, vbNullChar)
    If yibao_vba_last_error(StrPtr(buf), needed, needed) = 0 Then YibaoLastError = Left$(buf, needed - 1)
End Function

' Settles a simple claim of `amount` (all in scope, no earlier accumulators);
' fund and cash receive the fund total and the member's share. Returns the status.
Private Function SimpleClaim(ByVal policy As String, ByVal insutype As String, ByVal psnType As String, ByVal medType As String, _
                             ByVal hospLv As String, ByVal visitDate As String, ByVal amount As Currency, _
                             ByRef fund As Currency, ByRef cash As Currency) As Long
    SimpleClaim = yibao_vba_simple_fund(StrPtr(policy), Len(policy), StrPtr(insutype), Len(insutype), StrPtr(psnType), Len(psnType), _
                                        StrPtr(medType), Len(medType), StrPtr(hospLv), Len(hospLv), StrPtr(visitDate), Len(visitDate), _
                                        amount, fund, cash)
End Function

' Worksheet function: the fund's share of a simple claim.
'   =YIBAO_FUND("cn-sx-taiyuan-resident-2010", "390", "1501", "21", "3", "2010-03-01", 10000)  ->  4625
' Returns the error JSON as text when the claim cannot be settled.
Public Function YIBAO_FUND(ByVal policy As String, ByVal insutype As String, ByVal psnType As String, ByVal medType As String, _
                           ByVal hospLv As String, ByVal visitDate As String, ByVal amount As Currency) As Variant
    Dim fund As Currency, cash As Currency
    If SimpleClaim(policy, insutype, psnType, medType, hospLv, visitDate, amount, fund, cash) = 0 Then YIBAO_FUND = fund Else YIBAO_FUND = YibaoLastError()
End Function

' Worksheet function: the member's share of the same simple claim.
Public Function YIBAO_MEMBER(ByVal policy As String, ByVal insutype As String, ByVal psnType As String, ByVal medType As String, _
                             ByVal hospLv As String, ByVal visitDate As String, ByVal amount As Currency) As Variant
    Dim fund As Currency, cash As Currency
    If SimpleClaim(policy, insutype, psnType, medType, hospLv, visitDate, amount, fund, cash) = 0 Then YIBAO_MEMBER = cash Else YIBAO_MEMBER = YibaoLastError()
End Function
