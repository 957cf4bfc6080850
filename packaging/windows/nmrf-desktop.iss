; Inno Setup 6 script: installs the frozen app (dist\nmrf-desktop\) for every user of a
; Windows laptop, into Program Files. Installing needs an administrator (IT, or a
; deployment tool running as SYSTEM); running the app never does: it writes only to the
; user's own folders (%LOCALAPPDATA%\NMRF\nmrf-desktop).
;
; Build (on Windows, after `python packaging\build.py`):
;   iscc /DAppVersion=0.1.0 packaging\windows\nmrf-desktop.iss
; gives dist\nmrf-desktop-0.1.0-setup.exe. Silent install for central deployment:
;   nmrf-desktop-0.1.0-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /MERGETASKS="addtopath"
; Silent uninstall:  "C:\Program Files\NMRF Desktop\unins000.exe" /VERYSILENT

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "NMRF Desktop"
#define AppExe "nmrf-desktop.exe"
#define Dist "..\..\dist"

[Setup]
; The AppId identifies the product across versions: never change it.
AppId={{7662C071-85FD-4E10-A68C-8CB48E6B4425}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=National Mechanism for Reporting and Follow-up
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
; Per-machine only: no per-user install the IT department cannot see or update.
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#Dist}
OutputBaseFilename=nmrf-desktop-{#AppVersion}-setup
SetupIconFile=..\..\build\icon\nmrf-desktop.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesEnvironment=yes
; An upgrade closes a running copy first instead of failing on locked files.
CloseApplications=yes
RestartApplications=no
; Sign setup and uninstaller when a signing tool is configured in the IDE or with
; iscc /S"agency=signtool sign /fd sha256 /tr http://timestamp.example /td sha256 $f":
; SignTool=agency

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "addtopath"; Description: "Add the nmrf command to the system PATH"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole folder: no library from an older version may linger.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Dist}\nmrf-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Follow up UN human-rights recommendations, offline"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NotOnPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent runasoriginaluser

; Each user's data folder (%LOCALAPPDATA%\NMRF\nmrf-desktop) is theirs: never deleted.

[Code]
const
  EnvKey = 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment';

function NotOnPath(Dir: string): Boolean;
var
  Path: string;
begin
  if not RegQueryStringValue(HKLM, EnvKey, 'Path', Path) then
    Result := True
  else
    Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Path) + ';') = 0;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Path, Dir: string;
  At: Integer;
begin
  if CurUninstallStep <> usPostUninstall then
    exit;
  if not RegQueryStringValue(HKLM, EnvKey, 'Path', Path) then
    exit;
  Dir := ExpandConstant('{app}');
  At := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Path) + ';');
  if At = 0 then
    exit;
  { At is where ';' + Dir starts in ';' + Path: remove Dir with one separator. }
  if At = 1 then
    Delete(Path, 1, Length(Dir) + 1)
  else
    Delete(Path, At - 1, Length(Dir) + 1);
  RegWriteExpandStringValue(HKLM, EnvKey, 'Path', Path);
end;
