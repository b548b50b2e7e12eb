{{- define "micropay-lib.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "micropay-lib.fullname" . }}
  labels:
    {{- include "micropay-lib.labels" . | nindent 4 }}
  {{- with .Values.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ .Values.service.type }}
  selector:
    {{- include "micropay-lib.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.service.port }}
      targetPort: http
      protocol: TCP
{{- end }}
