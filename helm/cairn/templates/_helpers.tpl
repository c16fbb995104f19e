{{- define "cairn.labels" -}}
app.kubernetes.io/name: cairn-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: cairn
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
{{- define "cairn.selector" -}}
app.kubernetes.io/name: cairn-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
